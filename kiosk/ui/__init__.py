"""The Kivy touchscreen UI. The only package that imports Kivy; screens call core services."""
