"""Signed releases of the terminal software: installed side by side, health-checked, switched, rolled back."""
