"""Unified social credit code (GB 32100-2015) checks via python-stdnum, with clear messages."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from stdnum import exceptions as stdnum_errors
from stdnum.cn import uscc as stdnum_uscc


def uscc_clean(raw: str, *, allow_bad_checksum: bool = False) -> str:
    """Return the compact code, or raise ValidationError on the `uscc` field.

    A code with a correct format but a wrong check character is accepted only when the
    caller allows it (an officer recording a reason: early pilot codes fail the checksum).
    """
    code = stdnum_uscc.compact(raw or "")
    try:
        stdnum_uscc.validate(code)
    except stdnum_errors.InvalidChecksum:
        if allow_bad_checksum:
            return code
        raise ValidationError(
            {
                "uscc": ValidationError(
                    _(
                        "The check character of this unified social credit code is wrong; "
                        "please check the code."
                    ),
                    code="invalid_checksum",
                )
            }
        ) from None
    except stdnum_errors.InvalidLength:
        raise ValidationError(
            {
                "uscc": ValidationError(
                    _("A unified social credit code has 18 characters."), code="invalid_length"
                )
            }
        ) from None
    except stdnum_errors.ValidationError:
        raise ValidationError(
            {
                "uscc": ValidationError(
                    _(
                        "A unified social credit code uses only digits and the letters "
                        "ABCDEFGHJKLMNPQRTUWXY."
                    ),
                    code="invalid_format",
                )
            }
        ) from None
    return code


def uscc_complete(first_17: str) -> str:
    """The full code for 17 characters, with its check character computed by python-stdnum."""
    return first_17 + stdnum_uscc.calc_check_digit(first_17)
