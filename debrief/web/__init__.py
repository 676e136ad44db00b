"""The pages people use, one blueprint per area. Each view parses input, calls a service, renders."""
