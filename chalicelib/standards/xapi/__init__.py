"""xAPI (Tin Can) packages: tincan.xml."""
