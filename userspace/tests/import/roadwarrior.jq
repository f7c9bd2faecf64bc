length == 1 and .[0].name == "rw" and .[0].remote == "%any"
and .[0]["local-id"] == "vpn.example.com" and .[0]["remote-id"] == "%any"
and .[0].secret == "ike" and .[0].dpd == 0
and .[0].children[0]["local-ts"] == ["10.10.0.0/16"]
and (.[0].children[0].esp | startswith("aes128gcm16, aes256gcm16"))
