"""The shipped device templates the template tests expect, named once for every test file."""

SHIPPED = ("acrel_pz96", "cl7331m", "dlt645_meter", "eb10", "env_io", "sdm630", "tcu_bwdk")
