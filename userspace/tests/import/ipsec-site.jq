length == 1 and .[0].name == "branch" and .[0].start == "start"
and .[0].local == "192.0.2.1" and .[0].remote == "198.51.100.7"
and .[0]["local-id"] == "hq.example.org" and .[0]["remote-id"] == "branch.example.org"
and .[0].secret == "ike-1" and .[0].auth == "psk"
and .[0].ike == "aes256gcm16-prfsha384-x25519"
and .[0].dpd == 30 and .[0]["dpd-action"] == "restart" and .[0]["sha256-96"] == true
and .[0]["ike-rekey"] == 28500 and .[0]["ike-lifetime"] == 28800
and ([.[0].children[].name] == ["branch"])
and .[0].children[0]["local-ts"] == ["10.1.0.0/16"]
and .[0].children[0]["remote-ts"] == ["10.2.0.0/16", "10.3.0.0/16"]
and .[0].children[0].esp == "aes256gcm16-x25519" and .[0].children[0].start == "start"
and .[0].children[0].rekey == 3300 and .[0].children[0].lifetime == 3600
