"""WTForms forms and validators used by the views."""
