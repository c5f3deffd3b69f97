package dev.alknet.cli;
