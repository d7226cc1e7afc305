"""The pure domain core: no asyncio, no SQLite, no Starlette.

Commands go in, events come out (`decide`), and state is the fold of the events (`apply`).
"""
