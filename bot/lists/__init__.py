"""The three lists (三大清单): demands grouped from orders, partner resources, projects."""
