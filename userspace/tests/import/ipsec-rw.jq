length == 1 and .[0].name == "rw" and .[0].version == 2 and .[0].start == "none"
and .[0].local == "203.0.113.1" and .[0].remote == "%any"
and .[0]["local-id"] == "vpn.example.com" and .[0]["remote-id"] == "%any"
and .[0].secret == "ike-1" and .[0].dpd == 30 and .[0]["dpd-action"] == "clear"
and (.[0].ike | startswith("aes128-sha256-prfsha256-modp2048, "))
and .[0]["ike-rekey"] == 0 and .[0]["ike-lifetime"] == 10800
and .[0].children[0]["local-ts"] == ["10.10.0.0/16"]
and .[0].children[0].mode == "transport"
and (.[0].children[0].esp | startswith("aes128gcm16, "))
and .[0].children[0].rekey == 0 and .[0].children[0].lifetime == 7200
