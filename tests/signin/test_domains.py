"""Which provider an address signs in with is decided by its domain alone: the rule stated once
here and checked on random addresses, including the look-alikes an attacker would try."""

from hypothesis import given
from hypothesis import strategies as st

from waarborg.signin.models import IdentityProvider

label = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-", min_size=1, max_size=12)
domain = st.builds(lambda parts: ".".join(parts), st.lists(label, min_size=2, max_size=3))
local = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789._+", min_size=1, max_size=12)


def rule(email, domains):
    return email.rsplit("@", 1)[1].lower() in domains


@given(local=local, address_domain=domain, domains=st.lists(domain, min_size=1, max_size=3))
def test_an_address_is_covered_exactly_when_its_domain_is_listed(local, address_domain, domains):
    provider = IdentityProvider(domains=sorted({d.lower() for d in domains}))
    email = f"{local}@{address_domain}"
    assert provider.covers(email) == rule(email, provider.domains)
    assert provider.covers(email.upper()) == provider.covers(email)


@given(local=local, home=domain, extra=label)
def test_look_alikes_are_not_covered(local, home, extra):
    provider = IdentityProvider(domains=[home])
    assert provider.covers(f"{local}@{home}")
    for other in [f"{extra}.{home}", f"{home}.{extra}", f"{home}{extra}", f"{extra}{home}"]:
        assert not provider.covers(f"{local}@{other}")
    assert not provider.covers(f"{local}@{home}@{extra}.example")
    assert not provider.covers(f"{local}@{extra}@{home}")  # not one address
    assert not provider.covers("") and not provider.covers(home)
