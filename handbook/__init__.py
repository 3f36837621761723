"""区委办公室工作制度汇编: regulations as data, published as a handbook, forms and a printed compendium."""
