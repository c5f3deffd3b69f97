/**
 * Why a channel open failed, as one table from the server's SSH open-failure message to the client's SOCKS5, SOCKS4
 * and HTTP answers ({@link dev.alknet.core.open.OpenFailure}).
 */
package dev.alknet.core.open;
