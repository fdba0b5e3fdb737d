"""The Indeks Inovasi Daerah (IID) rehearsal: the national index model as data, and its pure maths."""
