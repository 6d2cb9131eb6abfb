"""Tests of the configuration: schema, scenario files, parameter metadata."""
