"""The action forms on a complaint page: one form per lifecycle action the signed-in
person may take in the complaint's current state."""
