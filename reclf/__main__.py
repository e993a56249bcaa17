"""`python -m reclf ...` (and `torchrun -m reclf ...`) runs the `reclf` command line."""
from reclf.app.cli import main

if __name__ == '__main__':
    import sys
    sys.exit(main())
