"""Reading the Vietnamese chip ID card (CCCD), an ICAO Doc 9303 eMRTD: PACE and BAC, secure
messaging, the data groups, and the checks of authenticity. See ``docs/cccd.md``."""
