"""Independent protocol peers for integration tests: servers, slaves and meters that are not our code."""
