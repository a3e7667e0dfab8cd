"""Pure functions that pull linking identifiers out of ad text (phones first; emails, places,
prices and ages come with the crawler issue)."""
