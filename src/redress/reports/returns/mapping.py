"""From the pack's values to the regulator's codes (a return's `dimensions`).

A category a code does not name maps like its parent (a pack's sub-category is reported
under its parent's code unless given its own); a product maps by the longest of the
codes' words found in its name, so "penny stock" beats "stock" whatever the list's order,
unless a code names it among the pack's `products` (DISP 1.10's product groups): the product
as the complaint names it (its code or its name) is looked up in the pack's tree, and its
own code or else its group's takes it;
a complaint naming no product takes the no-product code; what maps to nothing takes the
dimension's `otherwise` code, or none, and is then listed in the return's warnings."""

from __future__ import annotations

from redress.policy.returns_schema import ReturnDimension, ReturnSource
from redress.policy.schema import Pack


class Mapper:
    def __init__(self, dim: ReturnDimension, pack: Pack):
        self.dim = dim
        self.direct = {value: c.code for c in dim.codes for value in c.values}
        self.parent: dict[str, str] = {}
        if dim.source == ReturnSource.CATEGORY:
            for cat in pack.iter_categories():
                for child in cat.children:
                    self.parent[child.code] = cat.code
        # Longest first; among equals, the code listed first.
        self.words = sorted(((w.casefold(), i, c.code) for i, c in enumerate(dim.codes) for w in c.words if w.strip()),
                            key=lambda t: (-len(t[0]), t[1]))
        self.no_product = next((c.code for c in dim.codes if c.no_product), None)
        self.labels = {c.code: c.name for c in dim.codes}
        self.pack = pack

    def code(self, raw) -> str | None:
        """The regulator's code for a complaint's value (None: unmapped)."""
        if self.dim.source == ReturnSource.PRODUCT:
            if raw is None or not str(raw).strip():
                return self.no_product or self.dim.otherwise
            found = self.pack.product_group(str(raw)) if self.direct else None
            if found is not None:
                group, product = found
                code = self.direct.get(product.code) or self.direct.get(group.code)
                if code is not None:
                    return code
            text = str(raw).casefold()
            return next((code for word, _, code in self.words if word in text), self.dim.otherwise)
        value = "" if raw is None else str(raw)
        while value:
            if value in self.direct:
                return self.direct[value]
            value = self.parent.get(value, "")
        return self.dim.otherwise
