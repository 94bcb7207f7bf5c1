"""The public privacy center of each organisation: statement, requests, preferences."""
