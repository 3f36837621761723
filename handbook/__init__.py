"""区委办公室工作制度汇编: regulations as data, published as a handbook, forms and a printed compendium."""

# The document model imports the kinds defined in their own modules (flow) at its end;
# loading it first keeps every import order of the package working.
from . import model  # noqa: E402,F401
