"""The local hardware bridge (card reader, camera, printer, speaker): see issues 4 and 5."""
