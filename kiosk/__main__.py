"""Allow `python -m kiosk`, used by tests and by deploy scripts without the console script."""

from kiosk.cli import main

if __name__ == "__main__":
    main()
