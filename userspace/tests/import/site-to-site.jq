length == 1 and .[0].name == "branch" and .[0].start == "start"
and .[0].local == "192.0.2.1" and .[0].remote == "198.51.100.7"
and .[0]["local-id"] == "hq.example.org" and .[0]["remote-id"] == "branch.example.org"
and .[0].secret == "ike-branch"
and .[0].ike == "aes256gcm16-prfsha384-x25519, aes256-sha384-prfsha384-ecp384"
and .[0].dpd == 30 and .[0]["dpd-action"] == "restart" and .[0]["sha256-96"] == true
and .[0]["ike-rekey"] == 28800 and .[0]["ike-lifetime"] == 32400 and .[0].jitter == 10
and ([.[0].children[].name] == ["lan", "mgmt"])
and .[0].children[0]["remote-ts"] == ["10.2.0.0/16", "10.3.0.0/16"]
and .[0].children[0].esp == "aes256gcm16-x25519" and .[0].children[0].start == "start"
and .[0].children[0].rekey == 3600 and .[0].children[0].lifetime == 3960
and .[0].children[1]["local-ts"] == ["10.1.255.0/24[tcp/22]"]
and .[0].children[1].start == "trap" and .[0].children[1]["rekey-bytes"] == 1073741824
