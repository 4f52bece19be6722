"""Our date formats (``FORMAT_MODULE_PATH``): dates are shown and entered the British way."""
