# Public records for fernhill.example, served by the edge DNS in all three
# regions (ap-southeast-1, eu-west-1, us-east-1). Applied with `edgectl push`.

# TTL policy: a record that points at a load balancer changes whenever we move
# traffic, and a bad answer stays in resolver caches for up to one TTL after
# the revert. Those records get 300 s. Only records that never move get a day.

resource "edgedns_record" "api" {
  zone    = "fernhill.example"
  name    = "api"
  type    = "A"
  ttl     = 300 # load-balancer record: keep short (PM-0003)
  records = ["203.0.113.42", "203.0.113.43"]
}

resource "edgedns_record" "checkout" {
  zone    = "fernhill.example"
  name    = "checkout"
  type    = "A"
  ttl     = 300 # load-balancer record: keep short (PM-0003)
  records = ["203.0.113.42", "203.0.113.43"]
}

resource "edgedns_record" "status" {
  zone    = "fernhill.example"
  name    = "status"
  type    = "CNAME"
  ttl     = 86400
  records = ["fernhill.statuspage.example."]
}

resource "edgedns_record" "acme_challenge" {
  # Delegates DNS-01 challenges for *.fernhill.example to the ACME DNS server,
  # so certificate renewals never need write access to this zone.
  zone    = "fernhill.example"
  name    = "_acme-challenge"
  type    = "CNAME"
  ttl     = 3600
  records = ["7c1e2f4a-53b8-4d0e-9a61-2f6b8e0d3c95.acme-dns.fernhill.example."]
}
