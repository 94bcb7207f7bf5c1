"""The catalogue of common processors: a shipped data file of services small Dutch firms use,
each fact with its source and date, confirmed per organisation before it is trusted, from which
a party of the register is prefilled. Uses the register (parties) and core's taxonomy."""
