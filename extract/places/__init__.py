"""Places and people: the gazetteer, county detection, officials, and which county a figure is about."""
