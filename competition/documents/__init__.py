"""Documents shared by pages, downloads and commands: PDF today; numbers, dates, CSV and XLSX next."""
