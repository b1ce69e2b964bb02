"""The cloud API's shared pieces (Qt-free): the JSON of its shapes (`codec`)."""
