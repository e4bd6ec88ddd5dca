import { DL3006 } from "../../../../linter/rules/hadolint/DL3006.js";
import { ruleCases } from "../../helpers.js";

export const cases = ruleCases(DL3006, {
  fires: [
    { dockerfile: "FROM debian\n", line: 1 },
    "ARG IMAGE=debian\nFROM ${IMAGE}\n",
    "FROM registry.example.com:5000/team/app\n",
  ],
  passes: [
    "FROM debian:12\n",
    "FROM debian@sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n",
    "FROM scratch\n",
    "FROM debian:12 AS base\nFROM base\n",
    "ARG REGISTRY=docker.io\nARG TAG=12\nFROM ${REGISTRY}/library/debian:${TAG}\n",
    "ARG IMAGE\nFROM $IMAGE\n",
    "FROM localhost:5000/app:1.0\n",
  ],
});
