"""Import the office's Word and text files into regulations/ (python3 build.py import)."""
