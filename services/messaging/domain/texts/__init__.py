"""The words filled into the mail templates (``services/messaging/templates/``): labels and item lines, per language."""
