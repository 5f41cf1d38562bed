"""360° feedback: give and request feedback, answer through links, anonymity that holds."""
