"""OneZone: the district's functional zones run the "局区合一" way."""
