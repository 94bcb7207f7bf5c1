import pytest
from django.utils import translation

from tests.sources.databases import cookie_house_annotation
from waarborg.sources.annotation import AnnotationError, parse
from waarborg.sources.engine import SourceError, make_plan


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def test_the_fides_file_is_read_as_it_is():
    dataset = parse(cookie_house_annotation())
    assert dataset.key == "postgres_example_test_dataset"
    assert len(dataset.collections) == 11
    assert dataset.identity_names() == ["email"]
    assert dataset.collections["order_item"].primary_key == []
    assert dataset.collections["customer"].primary_key == ["id"]
    login = dataset.collections["login"].fields["customer_id"]
    assert (login.references[0].collection, login.references[0].direction) == ("customer", "from")
    name = dataset.collections["employee"].fields["name"]
    assert name.masking["strategy"] == "string_rewrite"


def test_the_walk_order_puts_each_collection_after_those_it_is_reached_from():
    plan = make_plan(parse(cookie_house_annotation()), ["email"])
    order = plan.order
    assert order.index("customer") < order.index("orders") < order.index("order_item")
    assert order.index("order_item") < order.index("product")
    assert order.index("payment_card") < order.index("address")
    assert {edge.source for edge in plan.incoming["address"]} == {
        "customer",
        "employee",
        "orders",
        "payment_card",
    }


SMALL = """
dataset:
  - fides_key: shop
    collections:
      - name: customer
        fields:
          - name: id
            fides_meta: {primary_key: true}
          - name: email
            data_categories: [user.contact.email]
            fides_meta: {identity: email}
"""


def test_waarborg_keys_are_checked_strictly_and_fides_extras_only_warned_about():
    text = SMALL.replace(
        "      - name: customer\n",
        "      - name: customer\n        waarborg: {legal_hold: tax, retain: x}\n",
    )
    with pytest.raises(AnnotationError) as caught:
        parse(text)
    assert "unknown key retain" in caught.value.problems[0]
    assert caught.value.problems[0].startswith("line 6:")
    text = SMALL.replace("{identity: email}", "{identity: email, future_key: 1}")
    assert "future_key is not used by Waarborg" in parse(text).warnings[0]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ("{identity: email}", "{references: [{field: address.id, direction: to}]}"),
        ("{identity: email}", "{masking_strategy_override: {strategy: aes_encrypt}}"),
        ("{identity: email}", "{data_type: money}"),
        ("{identity: email}", "{references: [{field: customer.id, direction: sideways}]}"),
    ],
)
def test_mistakes_are_named(change, message):
    with pytest.raises(AnnotationError) as caught:
        parse(SMALL.replace(change, message))
    assert caught.value.problems


def test_problem_messages():
    def problems(old, new):
        with pytest.raises(AnnotationError) as caught:
            parse(SMALL.replace(old, new))
        return " ".join(caught.value.problems)

    assert "refers to address.id, which the annotation does not have" in problems(
        "{identity: email}", "{references: [{field: address.id, direction: to}]}"
    )
    assert "unknown masking strategy aes_encrypt" in problems(
        "{identity: email}", "{masking_strategy_override: {strategy: aes_encrypt}}"
    )
    assert "nested fields are not supported" in problems(
        "            fides_meta: {identity: email}",
        "            fields: [{name: a}]",
    )
    assert "holds no dataset" in problems(SMALL, "- 1\n")


def test_a_reference_cycle_is_refused_with_the_collections_named():
    text = (
        SMALL
        + """      - name: account
        fields:
          - name: id
            fides_meta:
              primary_key: true
              references: [{field: customer.id, direction: to}]
          - name: owner
            fides_meta:
              references: [{field: customer.id, direction: from}]
"""
    )
    with pytest.raises(SourceError, match="cycle between account, customer"):
        make_plan(parse(text), ["email"])
