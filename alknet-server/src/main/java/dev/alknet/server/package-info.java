package dev.alknet.server;
