"""What everyone may see: the home page, competitions and published results."""
