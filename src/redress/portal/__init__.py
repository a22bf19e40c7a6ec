"""The public complaint portal: submit, look up status with reference + access code."""
