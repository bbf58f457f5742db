"""The place pages' forms: finding an address, and deciding an address match review."""

from typing import Any

from django import forms


class FindAddressForm(forms.Form):
    """Either a postcode (with an optional building name or number), or a typed address."""

    postcode = forms.CharField(
        label="Postcode",
        required=False,
        max_length=10,
        error_messages={"max_length": "Enter a full UK postcode, like KL2 4AB"},
    )
    building = forms.CharField(
        label="Building name or number (optional)",
        required=False,
        max_length=120,
        help_text="For example, 14, Flat 2/1 or Rowan Cottage",
    )
    address = forms.CharField(
        label="Or type the address",
        required=False,
        max_length=200,
        help_text="For example, 2/1 14 Main Street, Kinloch",
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if (
            not (cleaned.get("postcode") or "").strip()
            and len((cleaned.get("address") or "").strip()) < 3
        ):
            self.add_error("postcode", "Enter a postcode, or type the address")
        return cleaned


class ReviewDecisionForm(forms.Form):
    """The property an address means (one of its candidates, or one found with the picker), or
    "none": not in the gazetteer."""

    decision = forms.ChoiceField(
        label="Which property does this address mean?",
        error_messages={
            "required": (
                "Choose the property this address means, or that it is not in the gazetteer"
            ),
            "invalid_choice": "Choose one of the properties listed",
        },
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, choices: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        decision = self.fields["decision"]
        assert isinstance(decision, forms.ChoiceField)
        decision.choices = [(uprn, uprn) for uprn in choices] + [("none", "none")]
