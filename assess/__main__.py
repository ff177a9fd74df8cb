"""`python -m assess` runs the command line."""
from .cli import main

main()
