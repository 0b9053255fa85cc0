"""The kit's reference lists: codes, French labels and official geography."""
