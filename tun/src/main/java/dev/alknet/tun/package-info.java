/**
 * alknet-tun: a separately launched, privileged helper that sends the TCP (and DNS) of programs that know nothing of
 * proxies into alknet's SOCKS5 port, through a TUN device. The kernel's own TCP stack terminates the connections
 * (packets are rewritten to a local listener, see {@link dev.alknet.tun.Engine}); names get fake IPs and are resolved
 * by the alknet server. It depends on no other alknet module. See docs/adr/0009-tun-kernel-tcp.md.
 */
package dev.alknet.tun;
