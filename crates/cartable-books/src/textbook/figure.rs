//! Figures described in one line of the sources and drawn with PDF path operators.
//!
//! ```text
//! @figure droite-graduee debut=0 fin=2 pas=0,1 etiquettes=0,5 points="A:0,7;B:1,3"
//! @figure disques fractions="3/4;2/3;5/8"
//! @figure bandes fractions="1/2;2/4;4/8"
//! @figure rectangle longueur=6 largeur=4 unite=cm quadrillage=oui
//! @figure polygone sommets="0 0;6 0;6 4;0 4" cotes="6 cm;4 cm;6 cm;4 cm"
//! @figure triangle sommets="A:0 0;B:6 0;C:2 3,5" angles="A;B" droits="C"
//! @figure angles mesures="40;90;135"
//! @figure droites types="secantes;perpendiculaires;paralleles"
//! @figure barres valeurs="Lun:12;Mar:8" max=20 pas=5 axe="Nombre d'élèves"
//! @figure rapporteur mesure=50
//! ```
//!
//! Every figure also takes `legende="…"`, printed in italics below it. Numbers use
//! a decimal comma or point; lists are separated by `;`.

use std::f64::consts::PI;

use super::text::{self, Span};
use crate::pdf::content::{Content, Rgb};
use crate::pdf::font::{self, Face};

/// The colour of lines and labels in figures.
const INK: Rgb = Rgb(0.15, 0.15, 0.18);
/// The size of labels in figures.
const LABEL: f64 = 9.0;

/// A figure, ready to be measured and drawn.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Figure {
    kind: Kind,
    caption: Option<String>,
}

#[derive(Clone, Debug, PartialEq)]
enum Kind {
    NumberLine { start: f64, end: f64, step: f64, labels: f64, points: Vec<(String, f64)> },
    Discs(Vec<(u32, u32)>),
    Strips(Vec<(u32, u32)>),
    Rectangle { length: f64, width: f64, unit: String, grid: bool },
    Polygon { vertices: Vec<Vertex>, sides: Vec<String>, angles: Vec<String>, right: Vec<String> },
    Angles(Vec<f64>),
    Lines(Vec<Pair>),
    Bars { values: Vec<(String, f64)>, max: f64, step: f64, axis: String },
    Protractor(f64),
}

#[derive(Clone, Debug, PartialEq)]
struct Vertex {
    name: String,
    x: f64,
    y: f64,
}

/// Two straight lines, in one of their relative positions.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Pair {
    Crossing,
    Perpendicular,
    Parallel,
}

/// The `key=value` arguments of a figure line.
struct Args(Vec<(String, String)>);

impl Args {
    fn parse(text: &str) -> Result<Args, String> {
        let mut pairs = Vec::new();
        let mut rest = text.trim_start();
        while !rest.is_empty() {
            let eq = rest.find('=').ok_or_else(|| format!("expected key=value, found « {rest} »"))?;
            let key = rest[..eq].trim().to_owned();
            let after = &rest[eq + 1..];
            let (value, tail) = if let Some(quoted) = after.strip_prefix('"') {
                let close = quoted.find('"').ok_or_else(|| format!("the value of {key} has no closing quote"))?;
                (&quoted[..close], &quoted[close + 1..])
            } else {
                let end = after.find(char::is_whitespace).unwrap_or(after.len());
                (&after[..end], &after[end..])
            };
            if let Some(c) = font::unprintable(value) {
                return Err(format!("« {c} » in {key} cannot be printed with the standard fonts"));
            }
            pairs.push((key, value.to_owned()));
            rest = tail.trim_start();
        }
        Ok(Args(pairs))
    }

    fn get(&self, key: &str) -> Option<&str> {
        self.0.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
    }

    fn required(&self, key: &str) -> Result<&str, String> {
        self.get(key).ok_or_else(|| format!("missing {key}=…"))
    }

    fn number(&self, key: &str) -> Result<f64, String> {
        number(self.required(key)?)
    }

    /// Refuses keys the figure does not know, so that a typo is not silently ignored.
    fn only(&self, allowed: &[&str]) -> Result<(), String> {
        match self.0.iter().find(|(k, _)| k != "legende" && !allowed.contains(&k.as_str())) {
            Some((key, _)) => Err(format!("unknown argument {key} (expected {})", allowed.join(", "))),
            None => Ok(()),
        }
    }
}

fn number(text: &str) -> Result<f64, String> {
    text.trim().replace(',', ".").parse::<f64>().map_err(|_| format!("« {text} » is not a number"))
}

fn list(text: &str) -> impl Iterator<Item = &str> {
    text.split(';').map(str::trim).filter(|s| !s.is_empty())
}

fn fractions(text: &str) -> Result<Vec<(u32, u32)>, String> {
    list(text)
        .map(|item| {
            let (num, den) = item.split_once('/').ok_or_else(|| format!("« {item} » is not a fraction a/b"))?;
            let num: u32 = num.trim().parse().map_err(|_| format!("bad numerator in {item}"))?;
            let den: u32 = den.trim().parse().map_err(|_| format!("bad denominator in {item}"))?;
            if den == 0 || den > 24 || num > den {
                return Err(format!("{item}: the figure draws fractions up to 1, at most 24 parts"));
            }
            Ok((num, den))
        })
        .collect()
}

/// A number as French pupils write it: decimal comma, no useless zeros.
pub(crate) fn french(x: f64) -> String {
    let text = format!("{:.3}", (x * 1000.0).round() / 1000.0);
    let text = text.trim_end_matches('0').trim_end_matches('.');
    if text == "-0" { "0".to_owned() } else { text.replace('.', ",") }
}

impl Figure {
    /// Parses the text after `@figure`.
    pub(crate) fn parse(line: &str) -> Result<Figure, String> {
        let line = line.trim();
        let (name, rest) = line.split_once(char::is_whitespace).unwrap_or((line, ""));
        let args = Args::parse(rest)?;
        let kind = match name {
            "droite-graduee" => number_line(&args)?,
            "disques" => {
                args.only(&["fractions"])?;
                Kind::Discs(fractions(args.required("fractions")?)?)
            }
            "bandes" => {
                args.only(&["fractions"])?;
                Kind::Strips(fractions(args.required("fractions")?)?)
            }
            "rectangle" => rectangle(&args)?,
            "polygone" | "triangle" => polygon(&args)?,
            "angles" => {
                args.only(&["mesures"])?;
                let list: Result<Vec<f64>, String> = list(args.required("mesures")?).map(number).collect();
                Kind::Angles(list?)
            }
            "droites" => lines(&args)?,
            "barres" => bars(&args)?,
            "rapporteur" => {
                args.only(&["mesure"])?;
                Kind::Protractor(args.number("mesure")?)
            }
            other => return Err(format!("unknown figure « {other} »")),
        };
        Ok(Figure { kind, caption: args.get("legende").map(str::to_owned) })
    }

    /// The caption, if any.
    pub(crate) fn caption(&self) -> Option<&str> {
        self.caption.as_deref()
    }

    /// The height of the drawing, in points, for a given width.
    pub(crate) fn height(&self, width: f64) -> f64 {
        match &self.kind {
            Kind::NumberLine { .. } => 58.0,
            Kind::Discs(_) => 112.0,
            Kind::Strips(list) => 26.0 * list.len() as f64 + 6.0,
            Kind::Rectangle { length, width: w, .. } => rectangle_scale(*length, *w, width) * w + 46.0,
            Kind::Polygon { vertices, .. } => {
                let (_, _, h, _) = polygon_frame(vertices, width);
                h + 40.0
            }
            Kind::Angles(_) => 104.0,
            Kind::Lines(_) => 118.0,
            Kind::Bars { .. } => 176.0,
            Kind::Protractor(_) => 118.0,
        }
    }

    /// Draws the figure in the box whose upper-left corner is (`x`, `top`).
    pub(crate) fn draw(&self, c: &mut Content, x: f64, top: f64, width: f64, accent: Rgb) {
        c.save();
        c.round_ends();
        c.stroke_color(INK);
        c.fill_color(INK);
        c.line_width(0.9);
        let area = Area { x, top, width, height: self.height(width), accent };
        match &self.kind {
            Kind::NumberLine { start, end, step, labels, points } => {
                draw_number_line(c, &area, (*start, *end), *step, *labels, points);
            }
            Kind::Discs(list) => draw_discs(c, &area, list),
            Kind::Strips(list) => draw_strips(c, &area, list),
            Kind::Rectangle { length, width, unit, grid } => {
                draw_rectangle(c, &area, (*length, *width), unit, *grid);
            }
            Kind::Polygon { vertices, sides, angles, right } => {
                draw_polygon(c, &area, vertices, sides, angles, right);
            }
            Kind::Angles(list) => draw_angles(c, &area, list),
            Kind::Lines(list) => draw_lines(c, &area, list),
            Kind::Bars { values, max, step, axis } => draw_bars(c, &area, values, (*max, *step), axis),
            Kind::Protractor(measure) => draw_protractor(c, &area, *measure),
        }
        c.restore();
    }
}

/// Where a figure is drawn.
struct Area {
    x: f64,
    top: f64,
    width: f64,
    height: f64,
    accent: Rgb,
}

impl Area {
    fn centre_x(&self) -> f64 {
        self.x + self.width / 2.0
    }

    fn bottom(&self) -> f64 {
        self.top - self.height
    }
}

fn number_line(args: &Args) -> Result<Kind, String> {
    args.only(&["debut", "fin", "pas", "etiquettes", "points"])?;
    let (start, end, step) = (args.number("debut")?, args.number("fin")?, args.number("pas")?);
    let labels = args.get("etiquettes").map_or(Ok(step), number)?;
    if end <= start || step <= 0.0 || (end - start) / step > 120.0 {
        return Err("droite-graduee needs debut < fin and at most 120 steps".to_owned());
    }
    let points = list(args.get("points").unwrap_or(""))
        .map(|item| {
            let (name, value) = item.split_once(':').ok_or_else(|| format!("« {item} » is not NAME:value"))?;
            Ok((name.trim().to_owned(), number(value)?))
        })
        .collect::<Result<Vec<_>, String>>()?;
    Ok(Kind::NumberLine { start, end, step, labels, points })
}

fn rectangle(args: &Args) -> Result<Kind, String> {
    args.only(&["longueur", "largeur", "unite", "quadrillage"])?;
    let (length, width) = (args.number("longueur")?, args.number("largeur")?);
    if length <= 0.0 || width <= 0.0 || width > length {
        return Err("rectangle needs 0 < largeur <= longueur".to_owned());
    }
    Ok(Kind::Rectangle {
        length,
        width,
        unit: args.get("unite").unwrap_or("cm").to_owned(),
        grid: args.get("quadrillage") == Some("oui"),
    })
}

fn polygon(args: &Args) -> Result<Kind, String> {
    args.only(&["sommets", "cotes", "angles", "droits"])?;
    let vertices = list(args.required("sommets")?)
        .map(|item| {
            let (name, coords) = item.split_once(':').unwrap_or(("", item));
            let mut parts = coords.split_whitespace().map(number);
            match (parts.next(), parts.next(), parts.next()) {
                (Some(x), Some(y), None) => Ok(Vertex { name: name.trim().to_owned(), x: x?, y: y? }),
                _ => Err(format!("« {item} » is not [NAME:]x y")),
            }
        })
        .collect::<Result<Vec<_>, String>>()?;
    if vertices.len() < 3 {
        return Err("a polygon needs at least three vertices".to_owned());
    }
    let names = |key: &str| list(args.get(key).unwrap_or("")).map(str::to_owned).collect::<Vec<_>>();
    let sides: Vec<String> = args.get("cotes").unwrap_or("").split(';').map(|s| s.trim().to_owned()).collect();
    let (angles, right) = (names("angles"), names("droits"));
    for name in angles.iter().chain(&right) {
        if !vertices.iter().any(|v| &v.name == name) {
            return Err(format!("no vertex named {name}"));
        }
    }
    Ok(Kind::Polygon { vertices, sides, angles, right })
}

fn lines(args: &Args) -> Result<Kind, String> {
    args.only(&["types"])?;
    let pairs = list(args.required("types")?)
        .map(|item| match item {
            "secantes" => Ok(Pair::Crossing),
            "perpendiculaires" => Ok(Pair::Perpendicular),
            "paralleles" => Ok(Pair::Parallel),
            other => Err(format!("« {other} »: expected secantes, perpendiculaires or paralleles")),
        })
        .collect::<Result<Vec<_>, String>>()?;
    Ok(Kind::Lines(pairs))
}

fn bars(args: &Args) -> Result<Kind, String> {
    args.only(&["valeurs", "max", "pas", "axe"])?;
    let values = list(args.required("valeurs")?)
        .map(|item| {
            let (name, value) = item.split_once(':').ok_or_else(|| format!("« {item} » is not LABEL:value"))?;
            Ok((name.trim().to_owned(), number(value)?))
        })
        .collect::<Result<Vec<_>, String>>()?;
    let (max, step) = (args.number("max")?, args.number("pas")?);
    if step <= 0.0 || max <= 0.0 || values.iter().any(|(_, v)| *v < 0.0 || *v > max) {
        return Err("barres needs 0 <= value <= max and pas > 0".to_owned());
    }
    Ok(Kind::Bars { values, max, step, axis: args.get("axe").unwrap_or("").to_owned() })
}

fn label(c: &mut Content, face: Face, x: f64, y: f64, text: &str) {
    c.text_centered(face, LABEL, x, y, text);
}

/// A small filled triangle pointing along (`dx`, `dy`), for axes and dimension lines.
fn arrow_head(c: &mut Content, tip: (f64, f64), dx: f64, dy: f64) {
    let len = (dx * dx + dy * dy).sqrt().max(1e-9);
    let (ux, uy) = (dx / len, dy / len);
    let (bx, by) = (tip.0 - 6.0 * ux, tip.1 - 6.0 * uy);
    c.move_to(tip.0, tip.1);
    c.line_to(bx - 2.6 * uy, by + 2.6 * ux);
    c.line_to(bx + 2.6 * uy, by - 2.6 * ux);
    c.close();
    c.fill();
}

fn draw_number_line(
    c: &mut Content,
    area: &Area,
    (start, end): (f64, f64),
    step: f64,
    labels: f64,
    points: &[(String, f64)],
) {
    let y = area.top - 30.0;
    let x0 = area.x + 20.0;
    let length = area.width - 56.0;
    let at = |v: f64| x0 + (v - start) / (end - start) * length;
    c.segment((area.x + 6.0, y), (area.x + area.width - 8.0, y));
    arrow_head(c, (area.x + area.width - 4.0, y), 1.0, 0.0);
    let count = ((end - start) / step).round() as usize;
    c.line_width(0.7);
    for i in 0..=count {
        let v = start + step * i as f64;
        let major = ((v - start) / labels - ((v - start) / labels).round()).abs() < 1e-6;
        let half = if major { 6.0 } else { 3.0 };
        c.segment((at(v), y - half), (at(v), y + half));
        if major {
            label(c, Face::Regular, at(v), y - 17.0, &french(v));
        }
    }
    c.fill_color(area.accent);
    for (name, value) in points {
        c.circle(at(*value), y, 2.6);
        c.fill();
        label(c, Face::Bold, at(*value), y + 10.0, name);
    }
}

/// Draws a fraction label centred on `x`, with its baseline at `y`.
fn fraction_label(c: &mut Content, x: f64, y: f64, num: u32, den: u32, size: f64) {
    let spans = [Span::Fraction { num: num.to_string(), den: den.to_string() }];
    if let Ok(lines) = text::wrap(&spans, size, 200.0) {
        for line in &lines {
            text::draw(c, line, x - line.width / 2.0, y, size, INK);
        }
    }
}

fn draw_discs(c: &mut Content, area: &Area, list: &[(u32, u32)]) {
    let r = 34.0;
    let gap = area.width / (list.len() as f64 + 1.0);
    for (i, &(num, den)) in list.iter().enumerate() {
        let cx = area.x + gap * (i as f64 + 1.0);
        let cy = area.top - 8.0 - r;
        let slice = 360.0 / f64::from(den);
        c.line_width(0.9);
        for k in 0..den {
            let to = 90.0 - slice * f64::from(k);
            c.fill_color(if k < num { area.accent.tint(0.55) } else { Rgb::WHITE });
            c.sector(cx, cy, r, to - slice, to);
            c.fill_stroke();
        }
        fraction_label(c, cx, cy - r - 22.0, num, den, 14.0);
    }
}

fn draw_strips(c: &mut Content, area: &Area, list: &[(u32, u32)]) {
    let strip = (area.width - 90.0).min(330.0);
    let x0 = area.centre_x() - strip / 2.0 + 24.0;
    for (i, &(num, den)) in list.iter().enumerate() {
        let y = area.top - 24.0 - 26.0 * i as f64;
        let part = strip / f64::from(den);
        for k in 0..den {
            c.fill_color(if k < num { area.accent.tint(0.55) } else { Rgb::WHITE });
            c.rect(x0 + part * f64::from(k), y, part, 18.0);
            c.fill_stroke();
        }
        fraction_label(c, x0 - 26.0, y + 5.5, num, den, 11.0);
    }
}

/// Points per unit for a rectangle, so that it fits the width and stays small.
fn rectangle_scale(length: f64, width: f64, room: f64) -> f64 {
    ((room - 140.0) / length).min(120.0 / width).min(36.0)
}

fn draw_rectangle(c: &mut Content, area: &Area, (length, width): (f64, f64), unit: &str, grid: bool) {
    let s = rectangle_scale(length, width, area.width);
    let (w, h) = (length * s, width * s);
    let x0 = area.centre_x() - w / 2.0;
    let y0 = area.top - 8.0 - h;
    c.fill_color(area.accent.tint(0.14));
    c.rect(x0, y0, w, h);
    c.fill();
    if grid {
        c.save();
        c.stroke_color(area.accent.tint(0.45));
        c.line_width(0.5);
        for i in 1..(length.round() as usize) {
            let x = x0 + s * i as f64;
            c.segment((x, y0), (x, y0 + h));
        }
        for j in 1..(width.round() as usize) {
            let y = y0 + s * j as f64;
            c.segment((x0, y), (x0 + w, y));
        }
        c.restore();
    }
    c.line_width(1.4);
    c.stroke_color(area.accent);
    c.rect(x0, y0, w, h);
    c.stroke();
    c.stroke_color(INK);
    c.fill_color(INK);
    c.line_width(0.6);
    dimension(c, (x0, y0 - 12.0), (x0 + w, y0 - 12.0));
    label(c, Face::Regular, x0 + w / 2.0, y0 - 26.0, &format!("{}\u{A0}{unit}", french(length)));
    dimension(c, (x0 + w + 12.0, y0), (x0 + w + 12.0, y0 + h));
    c.text(Face::Regular, LABEL, x0 + w + 20.0, y0 + h / 2.0 - 3.0, &format!("{}\u{A0}{unit}", french(width)));
    for (cx, cy, dx, dy) in
        [(x0, y0, 1.0, 1.0), (x0 + w, y0, -1.0, 1.0), (x0, y0 + h, 1.0, -1.0), (x0 + w, y0 + h, -1.0, -1.0)]
    {
        right_angle(c, (cx, cy), (dx, 0.0), (0.0, dy), 7.0);
    }
}

/// A dimension line with an arrow at each end.
fn dimension(c: &mut Content, from: (f64, f64), to: (f64, f64)) {
    c.segment(from, to);
    let (dx, dy) = (to.0 - from.0, to.1 - from.1);
    arrow_head(c, to, dx, dy);
    arrow_head(c, from, -dx, -dy);
}

/// The small square that marks a right angle at `corner`, along unit vectors `u` and `v`.
fn right_angle(c: &mut Content, corner: (f64, f64), u: (f64, f64), v: (f64, f64), size: f64) {
    let p = |a: f64, b: f64| (corner.0 + a * u.0 + b * v.0, corner.1 + a * u.1 + b * v.1);
    let (p1, p2, p3) = (p(size, 0.0), p(size, size), p(0.0, size));
    c.move_to(p1.0, p1.1);
    c.line_to(p2.0, p2.1);
    c.line_to(p3.0, p3.1);
    c.stroke();
}

/// Scale and offset that fit the polygon in the area: (scale, min x, height, min y).
fn polygon_frame(vertices: &[Vertex], room: f64) -> (f64, f64, f64, f64) {
    let min_x = vertices.iter().map(|v| v.x).fold(f64::INFINITY, f64::min);
    let max_x = vertices.iter().map(|v| v.x).fold(f64::NEG_INFINITY, f64::max);
    let min_y = vertices.iter().map(|v| v.y).fold(f64::INFINITY, f64::min);
    let max_y = vertices.iter().map(|v| v.y).fold(f64::NEG_INFINITY, f64::max);
    let s = ((room - 120.0) / (max_x - min_x).max(1e-9)).min(140.0 / (max_y - min_y).max(1e-9)).min(34.0);
    (s, min_x, (max_y - min_y) * s, min_y)
}

fn unit(v: (f64, f64)) -> (f64, f64) {
    let len = (v.0 * v.0 + v.1 * v.1).sqrt().max(1e-9);
    (v.0 / len, v.1 / len)
}

fn draw_polygon(
    c: &mut Content,
    area: &Area,
    vertices: &[Vertex],
    sides: &[String],
    angles: &[String],
    right: &[String],
) {
    let (s, min_x, h, min_y) = polygon_frame(vertices, area.width);
    let max_x = vertices.iter().map(|v| v.x).fold(f64::NEG_INFINITY, f64::max);
    let x0 = area.centre_x() - (max_x - min_x) * s / 2.0;
    let y0 = area.top - 20.0 - h;
    let pts: Vec<(f64, f64)> = vertices.iter().map(|v| (x0 + (v.x - min_x) * s, y0 + (v.y - min_y) * s)).collect();
    let n = pts.len();
    let area2: f64 = (0..n)
        .map(|i| {
            let (a, b) = (pts[i], pts[(i + 1) % n]);
            a.0 * b.1 - b.0 * a.1
        })
        .sum();
    let outward = if area2 > 0.0 { 1.0 } else { -1.0 };
    c.fill_color(area.accent.tint(0.12));
    c.stroke_color(area.accent);
    c.line_width(1.4);
    c.move_to(pts[0].0, pts[0].1);
    for p in &pts[1..] {
        c.line_to(p.0, p.1);
    }
    c.close();
    c.fill_stroke();
    c.stroke_color(INK);
    c.line_width(0.8);
    let colours = [area.accent, Rgb(0.85, 0.45, 0.1), Rgb(0.2, 0.55, 0.3)];
    for (i, v) in vertices.iter().enumerate() {
        let (p, prev, next) = (pts[i], pts[(i + n - 1) % n], pts[(i + 1) % n]);
        let (a, b) = (unit((prev.0 - p.0, prev.1 - p.1)), unit((next.0 - p.0, next.1 - p.1)));
        if right.contains(&v.name) {
            right_angle(c, p, a, b, 8.0);
        }
        if let Some(k) = angles.iter().position(|name| name == &v.name) {
            angle_mark(c, p, a, b, k, colours[k % colours.len()]);
        }
        if !v.name.is_empty() {
            let out = unit((-(a.0 + b.0), -(a.1 + b.1)));
            c.fill_color(INK);
            label(c, Face::Bold, p.0 + out.0 * 11.0, p.1 + out.1 * 11.0 - 3.0, &v.name);
        }
    }
    for (i, side) in sides.iter().enumerate().filter(|(i, s)| *i < n && !s.is_empty()) {
        let (a, b) = (pts[i], pts[(i + 1) % n]);
        let d = unit((b.0 - a.0, b.1 - a.1));
        let normal = (d.1 * outward, -d.0 * outward);
        let (mx, my) = ((a.0 + b.0) / 2.0 + normal.0 * 12.0, (a.1 + b.1) / 2.0 + normal.1 * 12.0);
        c.fill_color(INK);
        let w = font::text_width(Face::Regular, LABEL, side);
        let shift = normal.0 * w / 2.0;
        label(c, Face::Regular, mx + shift, my - 3.0, side);
    }
}

/// Arcs marking the angle between unit vectors `a` and `b` at `p`; the `k`-th
/// marked angle gets `k + 1` arcs, as on the board.
fn angle_mark(c: &mut Content, p: (f64, f64), a: (f64, f64), b: (f64, f64), k: usize, colour: Rgb) {
    let (mut from, mut to) = (a.1.atan2(a.0) * 180.0 / PI, b.1.atan2(b.0) * 180.0 / PI);
    if (to - from).rem_euclid(360.0) > 180.0 {
        std::mem::swap(&mut from, &mut to);
    }
    let sweep = (to - from).rem_euclid(360.0);
    c.save();
    c.stroke_color(colour);
    c.fill_color(colour.tint(0.3));
    c.sector(p.0, p.1, 16.0, from, from + sweep);
    c.fill();
    for arc in 0..=k {
        let r = 16.0 + 3.0 * arc as f64;
        let start = from * PI / 180.0;
        c.move_to(p.0 + r * start.cos(), p.1 + r * start.sin());
        c.arc(p.0, p.1, r, from, from + sweep);
        c.stroke();
    }
    c.restore();
}

fn angle_name(degrees: f64) -> &'static str {
    if degrees < 90.0 - 1e-9 {
        "angle aigu"
    } else if degrees <= 90.0 + 1e-9 {
        "angle droit"
    } else if degrees < 180.0 - 1e-9 {
        "angle obtus"
    } else {
        "angle plat"
    }
}

fn draw_angles(c: &mut Content, area: &Area, list: &[f64]) {
    let panel = area.width / list.len().max(1) as f64;
    for (i, &degrees) in list.iter().enumerate() {
        let cx = area.x + panel * i as f64 + panel / 2.0;
        let vertex = (cx - 20.0 - 20.0 * (degrees / 180.0), area.top - 70.0);
        let t = degrees * PI / 180.0;
        c.fill_color(area.accent.tint(0.3));
        c.sector(vertex.0, vertex.1, 20.0, 0.0, degrees);
        c.fill();
        c.line_width(1.2);
        c.segment(vertex, (vertex.0 + 78.0, vertex.1));
        c.segment(vertex, (vertex.0 + 70.0 * t.cos(), vertex.1 + 70.0 * t.sin()));
        c.line_width(0.8);
        if (degrees - 90.0).abs() < 1e-9 {
            right_angle(c, vertex, (1.0, 0.0), (0.0, 1.0), 10.0);
        }
        let mid = t / 2.0;
        c.fill_color(INK);
        label(
            c,
            Face::Regular,
            vertex.0 + 32.0 * mid.cos() + 4.0,
            vertex.1 + 32.0 * mid.sin() - 3.0,
            &format!("{}°", french(degrees)),
        );
        label(c, Face::Oblique, cx, area.bottom() + 8.0, angle_name(degrees));
    }
}

fn draw_lines(c: &mut Content, area: &Area, list: &[Pair]) {
    let panel = area.width / list.len().max(1) as f64;
    for (i, pair) in list.iter().enumerate() {
        let cx = area.x + panel * i as f64 + panel / 2.0;
        let cy = area.top - 50.0;
        let half = (panel / 2.0 - 16.0).min(70.0);
        let (first, second, name): ((f64, f64), (f64, f64), &str) = match pair {
            Pair::Crossing => ((1.0, 0.25), (0.55, -0.8), "sécantes"),
            Pair::Perpendicular => ((0.95, 0.31), (-0.31, 0.95), "perpendiculaires"),
            Pair::Parallel => ((0.97, 0.24), (0.97, 0.24), "parallèles"),
        };
        let offset = if *pair == Pair::Parallel { 18.0 } else { 0.0 };
        let ends = |d: (f64, f64), shift: f64, len: f64| {
            let (ox, oy) = (cx - d.1 * shift, cy + d.0 * shift);
            ((ox - d.0 * len, oy - d.1 * len), (ox + d.0 * len, oy + d.1 * len))
        };
        let len2 = if *pair == Pair::Parallel { half } else { 40.0 };
        let (a1, b1) = ends(first, offset, half);
        let (a2, b2) = ends(second, -offset, len2);
        c.line_width(1.2);
        c.stroke_color(area.accent);
        c.segment(a1, b1);
        c.stroke_color(Rgb(0.85, 0.45, 0.1));
        c.segment(a2, b2);
        c.stroke_color(INK);
        c.line_width(0.8);
        c.fill_color(INK);
        if *pair == Pair::Perpendicular {
            right_angle(c, (cx, cy), first, second, 8.0);
        }
        if *pair == Pair::Crossing {
            c.circle(cx, cy, 2.0);
            c.fill();
        }
        c.text(Face::Oblique, LABEL, b1.0 - 18.0, b1.1 + 6.0, "(d1)");
        c.text(Face::Oblique, LABEL, b2.0 + 4.0, b2.1 - 3.0, "(d2)");
        label(c, Face::Oblique, cx, area.bottom() + 8.0, name);
    }
}

fn draw_bars(c: &mut Content, area: &Area, values: &[(String, f64)], (max, step): (f64, f64), axis: &str) {
    let x0 = area.x + 52.0;
    let y0 = area.bottom() + 22.0;
    let chart_w = (area.width - 80.0).min(60.0 * values.len() as f64);
    let chart_h = area.height - 46.0;
    let ticks = (max / step).round() as usize;
    c.line_width(0.5);
    for i in 0..=ticks {
        let v = step * i as f64;
        let y = y0 + v / max * chart_h;
        c.stroke_color(Rgb(0.82, 0.82, 0.85));
        c.segment((x0, y), (x0 + chart_w, y));
        c.fill_color(INK);
        c.text_right(Face::Regular, LABEL, x0 - 5.0, y - 3.0, &french(v));
    }
    let slot = chart_w / values.len().max(1) as f64;
    for (i, (name, value)) in values.iter().enumerate() {
        let bx = x0 + slot * i as f64 + slot * 0.2;
        let bh = value / max * chart_h;
        c.fill_color(area.accent.tint(0.75));
        c.rect(bx, y0, slot * 0.6, bh);
        c.fill();
        c.fill_color(INK);
        label(c, Face::Bold, bx + slot * 0.3, y0 + bh + 4.0, &french(*value));
        label(c, Face::Regular, bx + slot * 0.3, y0 - 13.0, name);
    }
    c.stroke_color(INK);
    c.line_width(0.9);
    c.segment((x0, y0), (x0 + chart_w + 8.0, y0));
    c.segment((x0, y0), (x0, y0 + chart_h + 10.0));
    arrow_head(c, (x0, y0 + chart_h + 14.0), 0.0, 1.0);
    if !axis.is_empty() {
        c.text(Face::Oblique, LABEL, x0 + 8.0, y0 + chart_h + 6.0, axis);
    }
}

fn draw_protractor(c: &mut Content, area: &Area, measure: f64) {
    let r = 92.0;
    let (cx, cy) = (area.centre_x(), area.bottom() + 14.0);
    c.fill_color(Rgb(0.93, 0.95, 0.98));
    c.stroke_color(INK);
    c.line_width(0.8);
    c.move_to(cx + r, cy);
    c.arc(cx, cy, r, 0.0, 180.0);
    c.close();
    c.fill_stroke();
    for d in (0..=180).step_by(5) {
        let t = f64::from(d) * PI / 180.0;
        let inner = if d % 10 == 0 { r - 9.0 } else { r - 5.0 };
        c.segment((cx + inner * t.cos(), cy + inner * t.sin()), (cx + r * t.cos(), cy + r * t.sin()));
        if d % 30 == 0 {
            c.fill_color(INK);
            let lr = r - 18.0;
            c.text_centered(Face::Regular, 7.5, cx + lr * t.cos(), cy + lr * t.sin() - 2.5, &d.to_string());
        }
    }
    let t = measure * PI / 180.0;
    c.fill_color(area.accent.tint(0.35));
    c.sector(cx, cy, 34.0, 0.0, measure);
    c.fill();
    c.stroke_color(area.accent);
    c.line_width(1.5);
    c.segment((cx, cy), (cx + (r + 16.0), cy));
    c.segment((cx, cy), (cx + (r + 16.0) * t.cos(), cy + (r + 16.0) * t.sin()));
    c.fill_color(INK);
    c.circle(cx, cy, 2.0);
    c.fill();
    label(
        c,
        Face::Bold,
        cx + 46.0 * (t / 2.0).cos(),
        cy + 46.0 * (t / 2.0).sin() - 3.0,
        &format!("{}°", french(measure)),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figures_parse_with_french_numbers_and_captions() {
        let figure = Figure::parse(
            r#"droite-graduee debut=0 fin=2 pas=0,1 etiquettes=0,5 points="A:0,7;B:1,3" legende="Deux points""#,
        )
        .expect("a valid number line");
        assert_eq!(figure.caption(), Some("Deux points"));
        match figure.kind {
            Kind::NumberLine { step, points, .. } => {
                assert!((step - 0.1).abs() < 1e-12, "0,1 is one tenth");
                assert_eq!(points[1], ("B".to_owned(), 1.3));
            }
            other => panic!("expected a number line, got {other:?}"),
        }
    }

    #[test]
    fn typos_and_bad_values_are_reported() {
        let cases = [
            ("disques fraction=\"1/2\"", "unknown argument"),
            ("disques fractions=\"3/2\"", "up to 1"),
            ("cercle rayon=3", "unknown figure"),
            ("triangle sommets=\"A:0 0;B:1 0;C:0 1\" angles=\"D\"", "no vertex named D"),
            ("rectangle longueur=3", "missing largeur"),
        ];
        for (line, expected) in cases {
            let error = Figure::parse(line).expect_err(line);
            assert!(error.contains(expected), "{line}: {error}");
        }
    }

    #[test]
    fn numbers_are_printed_the_french_way() {
        assert_eq!(french(0.5), "0,5");
        assert_eq!(french(2.0), "2");
        assert_eq!(french(1.25), "1,25");
    }
}
