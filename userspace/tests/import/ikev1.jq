length == 1 and .[0].version == 1 and .[0].exchange == "aggressive"
and .[0].local == "[2001:db8::1]:4500" and .[0].remote == "[2001:db8:ffff::1]:4500"
and .[0]["local-id"] == "gw1.example.org" and .[0]["remote-id"] == "ops@example.org"
and .[0].secret == "ike-ops" and .[0].children[0].rekey == 1200
and .[0].children[0].start == "none"
