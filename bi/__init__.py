"""BI on the marts: Apache Superset set up, started and loaded with the project's dashboard, as code."""
