package dev.alknet.tun;
