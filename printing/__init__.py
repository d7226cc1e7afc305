"""The ticket and its printers, shared by the server and the kiosk's bridge: the raster
(``ticket.py``), ESC/POS printers (``escpos.py``), CUPS queues (``cups.py``) and their faults
(``errors.py``)."""
