length == 1 and .[0].local == "192.0.2.10" and .[0].remote == "%any"
and .[0].ike == "aes128-sha1-prfsha1-modp1024, aes128-sha256-prfsha256-modp2048" and .[0].secret == "ike-legacy"
and .[0].children[0].mode == "tunnel" and .[0].children[0]["remote-ts"] == ["0.0.0.0/0"]
and .[0].start == "start" and .[0].children[1].name == "web" and .[0]["sha256-96"] == true
