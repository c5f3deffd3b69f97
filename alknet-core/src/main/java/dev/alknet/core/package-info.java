package dev.alknet.core;
