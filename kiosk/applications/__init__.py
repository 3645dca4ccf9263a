"""Disclosure applications (依申请公开) on a terminal: the form, validation, sealed storage, receipts
with statutory deadlines, and exactly-once delivery to the central intake. No Kivy here."""
